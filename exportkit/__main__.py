from exportkit.launch import main

main()
